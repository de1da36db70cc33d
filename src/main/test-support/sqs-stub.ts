/**
 * A stand-in for SQS on loopback that takes GetQueueUrl and SendMessageBatch (the AWS JSON
 * protocol the SDK speaks) and keeps the bodies in memory, answering in constant time: to
 * measure the publisher itself where moto's cost grows with the queue's length, and to refuse
 * chosen messages as SQS refuses a sender's bad entry.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SqsStub {
  endpoint: string;
  bodies: string[];
  stop(): Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
}

export interface SqsStubOptions {
  /** Entries with these bodies fail, as a sender's fault (SQS does not take them, ever). */
  refuse?: (body: string) => boolean;
}

export async function startSqsStub(options: SqsStubOptions = {}): Promise<SqsStub> {
  const bodies: string[] = [];
  let endpoint = '';
  const server = createServer(async (request, response) => {
    const action = String(request.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
    const input = await readJson(request);
    let output: unknown;
    if (action === 'GetQueueUrl' || action === 'CreateQueue') output = { QueueUrl: `${endpoint}/000000000000/${String(input['QueueName'])}` };
    else if (action === 'SendMessageBatch') {
      const entries = input['Entries'] as Array<{ Id: string; MessageBody: string }>;
      const refused = entries.filter((e) => options.refuse?.(e.MessageBody));
      output = {
        Successful: entries
          .filter((e) => !refused.includes(e))
          .map((e) => {
            bodies.push(e.MessageBody);
            return { Id: e.Id, MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex') };
          }),
        Failed: refused.map((e) => ({ Id: e.Id, SenderFault: true, Code: 'InvalidMessageContents', Message: 'refused by the test' })),
      };
    } else {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ __type: 'com.amazonaws.sqs#UnsupportedOperation', message: `${action} is not stubbed` }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify(output));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    bodies,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

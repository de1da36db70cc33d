/** Settings of the AWS connection that publishing and watching the fleet use, with a test of it. */
import { useState, type ChangeEvent } from 'react';
import type { AwsConnection } from '../../shared/aws-connection.js';
import { api } from '../api/api.js';

interface Props {
  connection: AwsConnection;
  onChange(connection: AwsConnection): void;
  /** The queue of the Publish panel, which the test looks for when given. */
  queue: string;
}

type TestResult = { ok: boolean; message: string };

export function AwsSettings({ connection, onChange, queue }: Props) {
  const [result, setResult] = useState<TestResult | null>(null);
  const [testing, setTesting] = useState(false);
  const field = (key: keyof AwsConnection) => ({
    value: connection[key] ?? '',
    onChange: (e: ChangeEvent<HTMLInputElement>) => {
      setResult(null);
      onChange({ ...connection, [key]: e.target.value });
    },
  });

  const test = async () => {
    setTesting(true);
    setResult(null);
    const answer = await api().testConnection(connection, queue.trim() || undefined);
    setTesting(false);
    setResult('error' in answer ? { ok: false, message: answer.error } : { ok: true, message: answer.message });
  };

  return (
    <fieldset className="aws-settings">
      <legend>AWS connection (fields left empty: the host’s environment)</legend>
      <label htmlFor="aws-profile">AWS profile</label>
      <input id="aws-profile" {...field('profile')} placeholder="default" />
      <label htmlFor="aws-region">AWS region</label>
      <input id="aws-region" {...field('region')} placeholder="ap-southeast-2" />
      <label htmlFor="aws-endpoint">AWS endpoint</label>
      <input id="aws-endpoint" {...field('endpoint')} placeholder="https://sqs.REGION.amazonaws.com" />
      <button type="button" onClick={test} disabled={testing}>
        {testing ? 'Testing…' : 'Test connection'}
      </button>
      {result && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'ok' : 'field-error'} data-testid="connection-result">
          {result.message}
        </p>
      )}
    </fieldset>
  );
}

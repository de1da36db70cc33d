/**
 * A worker process for pool tests: it "computes" a task by waiting, then finishes, fails,
 * crashes or hangs as the task says.
 */
import type { HostMessage, WorkerMessage } from '../../worker/protocol.js';

export interface FakeTask {
  ms: number;
  end: 'finish' | 'fail' | 'crash' | 'hang';
}

const send = (m: WorkerMessage) => process.send!(m);

process.on('message', (message: HostMessage<FakeTask>) => {
  const { key, task } = message;
  send({ type: 'progress', key, progress: { stage: 'working', done: 0, total: 1 } });
  setTimeout(() => {
    if (task.end === 'finish') {
      send({ type: 'finished', key, outcome: { status: 'finished', stacItem: `${key}.json`, outputs: [], seconds: task.ms / 1000 } });
    } else if (task.end === 'fail') send({ type: 'failed', key, error: `task ${key} failed on purpose` });
    else if (task.end === 'crash') process.exit(3);
    // 'hang': never answers
  }, task.ms);
});
send({ type: 'ready' });

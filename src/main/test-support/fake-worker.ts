/**
 * A task process for pool tests: it "computes" a task by waiting, then finishes, fails,
 * crashes or hangs as the task says. A cancel stops the wait, but not a hang: it never answers.
 */
import type { HostMessage, TaskProcessMessage } from '../../shared/task-messages.js';

export interface FakeTask {
  ms: number;
  end: 'finish' | 'fail' | 'crash' | 'hang';
}

const send = (m: TaskProcessMessage) => process.send!(m);
const waiting = new Map<string, NodeJS.Timeout>();

process.on('message', (message: HostMessage<FakeTask>) => {
  if (message.type === 'cancel') {
    const timer = waiting.get(message.key);
    if (timer === undefined) return;
    clearTimeout(timer);
    send({ type: 'failed', key: message.key, error: 'cancelled' });
    return;
  }
  const { key, task } = message;
  send({ type: 'progress', key, progress: { stage: 'working', done: 0, total: 1 } });
  if (task.end === 'hang') return;
  const timer = setTimeout(() => {
    waiting.delete(key);
    if (task.end === 'finish') {
      send({ type: 'finished', key, outcome: { status: 'finished', stacItem: `${key}.json`, outputs: [], seconds: task.ms / 1000 } });
    } else if (task.end === 'fail') send({ type: 'failed', key, error: `task ${key} failed on purpose` });
    else process.exit(3);
  }, task.ms);
  waiting.set(key, timer);
});
send({ type: 'ready' });

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownDir, processTag, sweepLeftovers } from '../support/testResources.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('what a stopped test run left behind', () => {
  it('is removed, processes (recorded or not) and folder, while a run still going keeps its own', async () => {
    const mine = ownDir();
    // A run that is gone: this pid with a start time it never had.
    const stopped = join(dirname(mine), `${process.pid}-1`);
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    mkdirSync(join(stopped, 'pids'), { recursive: true });
    writeFileSync(join(stopped, 'pids', processTag(child.pid)), '');
    // A process whose pid was reused by an unrelated one is not touched: its start time differs.
    const unrelated = spawn('sleep', ['30'], { stdio: 'ignore' });
    writeFileSync(join(stopped, 'pids', `${unrelated.pid}-1`), '');
    // Started by the stopped run without being recorded (a browser, say): known by its environment.
    const untracked = spawn('sleep', ['30'], { stdio: 'ignore', env: { ...process.env, PEER_CALL_TEST_RUN: `${process.pid}-1` } });
    const untrackedExited = once(untracked, 'exit');

    const removed = sweepLeftovers();

    expect(removed).toContain(`process ${child.pid}`);
    expect(removed).toContain(`folder ${stopped}`);
    expect(removed).toContain(`process ${untracked.pid}`);
    await exited;
    await untrackedExited;
    expect(existsSync(stopped)).toBe(false);
    expect(alive(unrelated.pid!)).toBe(true);
    expect(existsSync(mine)).toBe(true);
    unrelated.kill();
    await once(unrelated, 'exit');
  });
});

/**
 * A PulseAudio server of the test's own (Debian's `pulseaudio`), with null sinks as the speakers
 * a person can choose: Chromium launched with `env` lists each sink as an `audiooutput` by its
 * description and plays to it, and what it plays is read back from the sink's monitor with
 * `parec`. Found on Debian's Chromium 156, headless: with `--use-fake-device-for-media-stream`
 * Chromium lists its own three fake speakers instead (and `setSinkId` to them reaches no sink), so
 * a browser that plays to these sinks runs without that flag.
 *
 * The server listens only on a unix socket in a temp dir, runs as a plain user daemon (`-n`: no
 * default configuration, only the modules given here), with its home and runtime dirs in that
 * temp dir, and is stopped by its pid. Every client gets `PULSE_COOKIE` there too, so none writes
 * a cookie into the real home.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, spawnTracked } from '../../support/testResources.js';
import { watchProcess } from './backgroundProcess.js';

export interface NullSink {
  /** The sink's name, e.g. `headset_b`; its monitor is `<name>.monitor`. */
  name: string;
  /** What Chromium lists as the device's label. */
  description: string;
}

/** What a sink played during a measurement. */
export interface SinkSound {
  /** Mono samples read from the sink's monitor (`SAMPLE_RATE` a second). */
  samples: number;
  /** The loudest sample, 0 (silence) to 1 (full scale). */
  peak: number;
  /** The amplitude (0 to 1) of each tone asked for, by its frequency in Hz. */
  tones: Record<number, number>;
}

export interface PulseAudio {
  /** The environment for a client of this server and no other (Chromium, pactl, parec). */
  env: NodeJS.ProcessEnv;
  /**
   * What `sink` plays in `seconds` of its output, read from its monitor. An idle null sink hands
   * its output over in blocks of up to 2 s, so this reads until it has that much, or for
   * `seconds` and `LISTEN_SLACK_MS` more (then `samples` says how much it got).
   */
  listen(sink: string, options?: { seconds?: number; tonesHz?: readonly number[] }): Promise<SinkSound>;
  /** The applications with a stream on `sink` now (as `pactl list sink-inputs` says). */
  streamsOn(sink: string): Promise<string[]>;
  /** Pulls `sink` out, as a headset unplugged: its module is unloaded, and the sink is gone. */
  unplug(sink: string): Promise<void>;
  /** What the server logged, for a failing test to show. */
  log(): string;
  stop(): Promise<void>;
}

const SAMPLE_RATE = 16_000;
/** How long past its `seconds` a measurement waits for a sink's output. */
const LISTEN_SLACK_MS = 3_000;
const START_TIMEOUT_MS = 10_000;
/** A pactl call that hangs (a server gone wrong) fails instead of holding the test. */
const PACTL_TIMEOUT_MS = 5_000;

const MISSING = "pulseaudio was not found; 'npm test' installs it, or run 'apt-get install pulseaudio pulseaudio-utils'.";

function pactl(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('pactl', args, { env, timeout: PACTL_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      reject(new Error(code === 'ENOENT' ? MISSING.replace('pulseaudio was', 'pactl was') : `pactl ${args.join(' ')} failed: ${stderr || error.message}`));
    });
  });
}

/**
 * The amplitude of the `hz` component of `samples`, by Goertzel's algorithm on each 0.1 s block,
 * averaged: about `a` for a sine of amplitude `a` at that frequency, near 0 when it is absent.
 * Short blocks (10 Hz wide bins), as the receiver's jitter buffer stretches and squeezes the
 * sound: over a whole second a tone 1 Hz off would fall between bins.
 */
export function toneAmplitude(samples: Float32Array, hz: number, sampleRate = SAMPLE_RATE): number {
  const block = Math.round(sampleRate / 10);
  const coefficient = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let sum = 0;
  let blocks = 0;
  for (let start = 0; start + block <= samples.length; start += block) {
    let previous = 0;
    let beforePrevious = 0;
    for (let index = start; index < start + block; index += 1) {
      const current = samples[index]! + coefficient * previous - beforePrevious;
      beforePrevious = previous;
      previous = current;
    }
    const power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
    sum += (2 * Math.sqrt(Math.max(0, power))) / block;
    blocks += 1;
  }
  return blocks === 0 ? 0 : sum / blocks;
}

export async function startPulseAudio(sinks: readonly NullSink[]): Promise<PulseAudio> {
  const dir = makeTempDir('pulse');
  const home = join(dir, 'home');
  const runtime = join(dir, 'run');
  mkdirSync(home);
  mkdirSync(runtime, { mode: 0o700 });
  const socket = join(dir, 'native');
  const env: NodeJS.ProcessEnv = { ...process.env, PULSE_SERVER: `unix:${socket}`, PULSE_COOKIE: join(dir, 'cookie') };
  const args = [
    '-n', '--daemonize=no', '--exit-idle-time=-1', '--disallow-exit', '--use-pid-file=no', '--system=no',
    '--log-target=stderr',
    `--load=module-native-protocol-unix socket=${socket} auth-anonymous=1`,
    ...sinks.map((sink) => `--load=module-null-sink sink_name=${sink.name} sink_properties=device.description=${sink.description}`),
  ];
  const server = watchProcess(
    spawnTracked('pulseaudio', args, {
      env: { ...process.env, HOME: home, XDG_RUNTIME_DIR: runtime, XDG_CONFIG_HOME: join(home, '.config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    dir,
  );
  const { child, stop } = server;

  // Ready once a client gets an answer and every sink is there.
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const listed = await pactl(env, ['list', 'short', 'sinks']).catch((error: Error) => error);
    if (typeof listed === 'string' && sinks.every((sink) => listed.split('\n').some((line) => line.split('\t')[1] === sink.name))) break;
    const spawnError = server.spawnError();
    const failure = spawnError
      ? spawnError.code === 'ENOENT'
        ? MISSING
        : `pulseaudio could not be started: ${spawnError.message}`
      : listed instanceof Error && listed.message.includes('pactl was not found')
        ? listed.message
        : child.exitCode !== null
          ? `pulseaudio exited with code ${child.exitCode} on start:\n${server.output()}`
          : Date.now() > deadline
            ? `pulseaudio did not answer on ${socket} with the sinks ${sinks.map((sink) => sink.name).join(', ')} within ${START_TIMEOUT_MS} ms:\n${server.output()}`
            : undefined;
    if (failure) {
      await stop();
      throw new Error(failure);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const listen: PulseAudio['listen'] = async (sink, { seconds = 1, tonesHz = [] } = {}) => {
    const wanted = Math.round(seconds * SAMPLE_RATE) * 2;
    const { child: recorder, exited: recorded } = spawnTracked(
      'parec',
      ['-d', `${sink}.monitor`, '--raw', '--format=s16le', '--channels=1', `--rate=${SAMPLE_RATE}`, '--latency-msec=50'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const chunks: Buffer[] = [];
    let received = 0;
    let stopped = false;
    const finish = () => {
      stopped = true;
      recorder.kill('SIGTERM');
    };
    let errors = '';
    recorder.stdout?.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= wanted && !stopped) finish();
    });
    recorder.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    let failed: Error | undefined;
    recorder.once('error', (error) => (failed = error));
    const timer = setTimeout(finish, seconds * 1_000 + LISTEN_SLACK_MS);
    await recorded;
    clearTimeout(timer);
    if (failed) throw new Error((failed as NodeJS.ErrnoException).code === 'ENOENT' ? MISSING.replace('pulseaudio was', 'parec was') : `parec failed: ${failed.message}`);
    if (!stopped) throw new Error(`parec -d ${sink}.monitor stopped by itself (code ${recorder.exitCode}): ${errors}`);
    const bytes = Buffer.concat(chunks).subarray(0, wanted);
    const samples = new Float32Array(Math.floor(bytes.length / 2));
    let peak = 0;
    for (let index = 0; index < samples.length; index += 1) {
      samples[index] = bytes.readInt16LE(index * 2) / 32_768;
      peak = Math.max(peak, Math.abs(samples[index]!));
    }
    const tones = Object.fromEntries(tonesHz.map((hz) => [hz, toneAmplitude(samples, hz)]));
    return { samples: samples.length, peak, tones };
  };

  const sinkNamed = async (sink: string) => {
    const sinkList = JSON.parse(await pactl(env, ['-f', 'json', 'list', 'sinks'])) as { index: number; name: string; owner_module: number }[];
    return sinkList.find((candidate) => candidate.name === sink);
  };

  const streamsOn: PulseAudio['streamsOn'] = async (sink) => {
    const index = (await sinkNamed(sink))?.index;
    const inputs = JSON.parse(await pactl(env, ['-f', 'json', 'list', 'sink-inputs'])) as { sink: number; properties: Record<string, string> }[];
    return inputs.filter((input) => input.sink === index).map((input) => input.properties['application.name'] ?? 'unnamed');
  };

  const unplug: PulseAudio['unplug'] = async (sink) => {
    const found = await sinkNamed(sink);
    if (!found) throw new Error(`PulseAudio has no sink ${sink} to pull out.`);
    await pactl(env, ['unload-module', String(found.owner_module)]);
  };

  return { env, listen, streamsOn, unplug, log: server.output, stop };
}

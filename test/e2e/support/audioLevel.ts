/**
 * The level of the sound a `<video>` or `<audio>` element plays, measured in its page with the
 * Web Audio API: an AnalyserNode on `createMediaStreamSource(element.srcObject)`, read every
 * 50 ms for about a second, so a loaded machine's late timers still see a whole beep or tone.
 * Chromium's fake microphone beeps at about 400 Hz (peak near 1.0 on the receiving page); a
 * disabled sender track arrives as exact silence (0). The AudioContext must be running, which in
 * headless Chromium needs `--autoplay-policy=no-user-gesture-required` (see fakeDevices.ts);
 * a suspended one reads zeros, so that is reported as an error, never as silence.
 */
import { expect, type Locator } from '@playwright/test';

export interface AudioLevel {
  /** The loudest sample, 0 (silent) to 1 (full scale). */
  peak: number;
  /** Root mean square of all samples read. */
  rms: number;
  /** The strongest frequency heard (Hz), or null when silent. */
  dominantHz: number | null;
}

/** Below this peak, what the element plays is silence. */
export const SILENT_BELOW = 0.01;
/** Above this peak, someone is talking (the fake microphone's beep or a tone). */
export const TALKING_ABOVE = 0.1;

const SAMPLE_EVERY_MS = 50;

export function audioLevel(media: Locator, durationMs = 1_000): Promise<AudioLevel> {
  return media.evaluate(
    async (element: HTMLMediaElement, { reads, everyMs, silentBelow }) => {
      const stream = element.srcObject;
      if (!(stream instanceof MediaStream) || stream.getAudioTracks().length === 0) {
        throw new Error(`The element plays no audio track (srcObject: ${stream === null ? 'none' : String(stream)}).`);
      }
      const context = new AudioContext();
      try {
        await context.resume();
        if (context.state !== 'running') {
          throw new Error(`The AudioContext is ${context.state}: launch Chromium with --autoplay-policy=no-user-gesture-required.`);
        }
        const analyser = new AnalyserNode(context, { fftSize: 4096, smoothingTimeConstant: 0 });
        context.createMediaStreamSource(stream).connect(analyser);
        const samples = new Float32Array(analyser.fftSize);
        const spectrum = new Float32Array(analyser.frequencyBinCount);
        const energy = new Float64Array(analyser.frequencyBinCount);
        let peak = 0;
        let squares = 0;
        let count = 0;
        for (let read = 0; read < reads; read += 1) {
          await new Promise((resolve) => setTimeout(resolve, everyMs));
          analyser.getFloatTimeDomainData(samples);
          for (const sample of samples) {
            peak = Math.max(peak, Math.abs(sample));
            squares += sample * sample;
          }
          count += samples.length;
          analyser.getFloatFrequencyData(spectrum);
          spectrum.forEach((decibels, bin) => (energy[bin]! += 10 ** (decibels / 10)));
        }
        // Bin 0 and 1 hold the offset, not a tone.
        let loudest = 2;
        for (let bin = 2; bin < energy.length; bin += 1) if (energy[bin]! > energy[loudest]!) loudest = bin;
        const dominantHz = peak < silentBelow ? null : (loudest * context.sampleRate) / analyser.fftSize;
        return { peak, rms: Math.sqrt(squares / Math.max(1, count)), dominantHz };
      } finally {
        await context.close();
      }
    },
    { reads: Math.max(1, Math.ceil(durationMs / SAMPLE_EVERY_MS)), everyMs: SAMPLE_EVERY_MS, silentBelow: SILENT_BELOW },
  );
}

/** Waits until the element plays sound (and, when given, a tone within 5% of `toneHz`). */
export async function expectTalking(media: Locator, toneHz?: number, timeout = 15_000): Promise<void> {
  await expect
    .poll(
      async () => {
        const level = await audioLevel(media);
        const toneHeard = toneHz === undefined || (level.dominantHz !== null && Math.abs(level.dominantHz - toneHz) <= toneHz * 0.05);
        return level.peak > TALKING_ABOVE && toneHeard ? 'talking' : `peak ${level.peak.toFixed(3)}, tone ${level.dominantHz?.toFixed(0) ?? 'none'} Hz`;
      },
      { timeout, message: `sound${toneHz === undefined ? '' : ` at ${toneHz} Hz`} from the element` },
    )
    .toBe('talking');
}

/** Waits until the element plays silence. */
export async function expectSilent(media: Locator, timeout = 15_000): Promise<void> {
  await expect
    .poll(async () => (await audioLevel(media)).peak, { timeout, message: 'silence from the element (its peak level)' })
    .toBeLessThan(SILENT_BELOW);
}

/**
 * A sound-level meter for a microphone stream (Web Audio): calls `show` about 20 times a
 * second with the peak level, 0 to 1, until stopped. Like a hardware meter it falls back
 * gradually, so a short sound stays visible long enough to be seen.
 */
/** How much of the shown level is left 50 ms later without new sound: down to a tenth in ~0.7 s. */
const FALL_PER_TICK = 0.85;

export function startLevelMeter(stream: MediaStream, show: (level: number) => void): () => void {
  const audio = new AudioContext();
  const analyser = audio.createAnalyser();
  analyser.fftSize = 2048;
  audio.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let shown = 0;
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let peak = 0;
    for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
    shown = Math.max(Math.min(1, peak), shown * FALL_PER_TICK);
    show(shown);
  }, 50);
  // Started from the Test button, so the browser lets the audio context run.
  void audio.resume();
  return () => {
    clearInterval(timer);
    void audio.close();
  };
}

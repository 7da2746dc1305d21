/**
 * A sound-level meter for a microphone stream (Web Audio): calls `show` about 20 times a
 * second with the peak level, 0 to 1, until stopped.
 */
export function startLevelMeter(stream: MediaStream, show: (level: number) => void): () => void {
  const audio = new AudioContext();
  const analyser = audio.createAnalyser();
  analyser.fftSize = 1024;
  audio.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let peak = 0;
    for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
    show(Math.min(1, peak));
  }, 50);
  // Started from the Test button, so the browser lets the audio context run.
  void audio.resume();
  return () => {
    clearInterval(timer);
    void audio.close();
  };
}

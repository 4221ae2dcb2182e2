// The parts of @echogarden/espeak-ng-emscripten (an Emscripten build of eSpeak NG, no typings) used here.
declare module '@echogarden/espeak-ng-emscripten' {
  interface EspeakWorker {
    readonly samplerate: number;
    set_voice(name: string): number;
    set_rate(wordsPerMinute: number): void;
    set_pitch(pitch: number): void;
    list_voices(): { name: string; identifier: string; languages: { priority: number; name: string }[] }[];
    synthesize(text: string, callback: (samples: Int16Array | null, events: unknown[]) => number): void;
  }
  interface EspeakModule {
    eSpeakNGWorker: new () => EspeakWorker;
  }
  const createEspeakModule: (options?: Record<string, unknown>) => Promise<EspeakModule>;
  export default createEspeakModule;
}

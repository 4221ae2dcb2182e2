#!/usr/bin/python3
"""Writes test/fixtures/vad/speech.wav: two phrases spoken by espeak-ng (22.05 kHz, 16-bit mono) with
0.6 s of silence before, 1.0 s between and 0.6 s after, and test/fixtures/vad/speech.json with where the
speech is: per phrase, from the first to the last sample above 2% of full scale (espeak pads its own output
with silence). Run: /usr/bin/python3 scripts/make_vad_fixture.py
"""
import array
import json
import os
import subprocess
import tempfile
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'vad')


def speak(text):
    with tempfile.NamedTemporaryFile(suffix='.wav') as f:
        subprocess.run(['espeak-ng', '-v', 'en-us', '-s', '150', '-w', f.name, text], check=True)
        with wave.open(f.name) as w:
            return w.getframerate(), w.readframes(w.getnframes())


rate, a = speak('All cats are animals.')
_, b = speak('Therefore some animals are cats.')
silence = lambda sec: b'\x00\x00' * int(sec * rate)
parts = [silence(0.6), a, silence(1.0), b, silence(0.6)]
os.makedirs(OUT, exist_ok=True)
with wave.open(os.path.join(OUT, 'speech.wav'), 'wb') as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(rate)
    w.writeframes(b''.join(parts))
t, spans = 0.0, []
for p in parts:
    x = array.array('h', p)
    loud = [i for i, v in enumerate(x) if abs(v) > 0.02 * 32768]
    if loud:
        spans.append([round(t + loud[0] / rate, 3), round(t + (loud[-1] + 1) / rate, 3)])
    t += len(x) / rate
with open(os.path.join(OUT, 'speech.json'), 'w') as f:
    json.dump({'sampleRate': rate, 'duration': round(t, 3), 'phrases': spans}, f, indent=2)
    f.write('\n')
print(rate, spans, t)

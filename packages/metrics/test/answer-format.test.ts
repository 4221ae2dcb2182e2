import { describe, expect, it } from 'vitest';
import {
  ALR_ANSWERS,
  AlrLabelError,
  alrAnswerFromLabel,
  alrLabelFromAnswer,
  renderAlrFinalAnswer,
  renderAlrResponse,
} from '../src/index.js';

describe('ALR answer format', () => {
  it('maps integer labels both ways', () => {
    expect(alrAnswerFromLabel(1)).toBe('entailed');
    expect(alrAnswerFromLabel(0)).toBe('not-entailed');
    for (const a of ALR_ANSWERS) expect(alrAnswerFromLabel(alrLabelFromAnswer(a))).toBe(a);
  });
  it('rejects labels that are not 0 or 1, naming where', () => {
    for (const bad of [2, -1, '1', true, null, undefined, 0.5]) {
      expect(() => alrAnswerFromLabel(bad, 'test.jsonl:3 label')).toThrow(AlrLabelError);
    }
    expect(() => alrAnswerFromLabel('1', 'test.jsonl:3 label')).toThrow(/test\.jsonl:3 label.*"1"/);
  });
  it('renders the final answer in both styles', () => {
    expect(renderAlrFinalAnswer('not-entailed')).toBe('<answer>not-entailed</answer>');
    expect(renderAlrFinalAnswer('entailed', 'line')).toBe('Answer: entailed');
    expect(renderAlrResponse('r', 'entailed')).toBe('<think>r</think>\n<answer>entailed</answer>');
  });
});

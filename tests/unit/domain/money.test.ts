import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ceilToCents,
  eurosFromMicros,
  floorToCents,
  formatEuros,
  isWholeCents,
  microsFromEuros,
  roundToCents,
  scaleToCents,
} from '../../../shared/domain/money.ts';

describe('microsFromEuros', () => {
  it('parses decimal strings exactly, without float drift', () => {
    expect(microsFromEuros('12.34')).toBe(12_340_000);
    expect(microsFromEuros('0.29')).toBe(290_000);
    expect(microsFromEuros('1000')).toBe(1_000_000_000);
    expect(microsFromEuros('-5.5')).toBe(-5_500_000);
    expect(microsFromEuros(' 0.000001 ')).toBe(1);
  });

  it('reads a number through its shortest decimal form', () => {
    expect(microsFromEuros(12.34)).toBe(12_340_000);
    expect(microsFromEuros(0.1)).toBe(100_000);
  });

  it('rejects amounts it cannot represent exactly instead of rounding them', () => {
    expect(() => microsFromEuros('1.0000001')).toThrow(RangeError);
    expect(() => microsFromEuros(0.1 + 0.2)).toThrow(RangeError);
    expect(() => microsFromEuros('1e3')).toThrow(RangeError);
    expect(() => microsFromEuros('€5')).toThrow(RangeError);
    expect(() => microsFromEuros('')).toThrow(RangeError);
  });

  it('round-trips any whole-cent amount through its euro string', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (cents) => {
        const micros = cents * 10_000;
        expect(microsFromEuros(eurosFromMicros(micros))).toBe(micros);
      }),
    );
  });
});

describe('cent rounding', () => {
  it('rounds half away from zero to whole cents', () => {
    expect(roundToCents(12_345_000)).toBe(12_350_000);
    expect(roundToCents(12_344_999)).toBe(12_340_000);
    expect(roundToCents(-12_345_000)).toBe(-12_350_000);
  });

  it('floors and ceils toward the bound they protect', () => {
    expect(floorToCents(12_349_999)).toBe(12_340_000);
    expect(ceilToCents(12_340_001)).toBe(12_350_000);
    expect(floorToCents(-1)).toBe(-10_000);
    expect(ceilToCents(-1)).toBe(0);
  });

  it('always lands on whole cents within one cent of the input', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (micros) => {
        for (const rounded of [roundToCents(micros), floorToCents(micros), ceilToCents(micros)]) {
          expect(isWholeCents(rounded)).toBe(true);
          expect(Math.abs(rounded - micros)).toBeLessThan(10_000);
        }
        expect(floorToCents(micros)).toBeLessThanOrEqual(micros);
        expect(ceilToCents(micros)).toBeGreaterThanOrEqual(micros);
      }),
    );
  });

  it('scales by a ratio exactly: 120% of €10.01 floors to €12.01', () => {
    expect(scaleToCents(10_010_000, 1_200_000, 1_000_000, 'floor')).toBe(12_010_000);
    expect(scaleToCents(10_010_000, 800_000, 1_000_000, 'ceil')).toBe(8_010_000);
  });
});

describe('formatting for explanations', () => {
  it('writes euros with two decimals and a euro sign', () => {
    expect(formatEuros(23_400_000)).toBe('€23.40');
    expect(formatEuros(5_000_000)).toBe('€5.00');
    expect(formatEuros(0)).toBe('€0.00');
    expect(formatEuros(-1_234_567)).toBe('-€1.23');
  });

  it('groups thousands as people read them, the same in the CLI and in every explanation', () => {
    expect(formatEuros(1_000_000_000)).toBe('€1,000.00');
    expect(formatEuros(-1_234_567_890_000)).toBe('-€1,234,567.89');
    expect(formatEuros(999_990_000)).toBe('€999.99');
  });

  it('writes numeric column values with the requested decimals', () => {
    expect(eurosFromMicros(12_345_678)).toBe('12.35');
    expect(eurosFromMicros(12_345_678, 6)).toBe('12.345678');
    expect(eurosFromMicros(999_999, 0)).toBe('1');
    expect(eurosFromMicros(-4_999)).toBe('0.00');
  });
});

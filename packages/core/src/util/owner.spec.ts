import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError } from '../errors/index.js';
import { instanceOwner, OWNER_MAX_LENGTH } from './owner.js';

describe('instanceOwner', () => {
  it('names an instance host:pid:random, within the column', () => {
    const owner = instanceOwner(undefined);
    expect(owner).toMatch(new RegExp(`:${process.pid}:[a-z0-9]+$`));
    expect(owner.length).toBeLessThanOrEqual(OWNER_MAX_LENGTH);
    expect(instanceOwner(undefined)).not.toBe(owner);
  });

  it('keeps a given owner up to the column length and refuses a longer or empty one', () => {
    expect(instanceOwner('o'.repeat(OWNER_MAX_LENGTH))).toBe('o'.repeat(OWNER_MAX_LENGTH));
    expect(() => instanceOwner('o'.repeat(OWNER_MAX_LENGTH + 1))).toThrow(InvalidArgumentError);
    expect(() => instanceOwner('')).toThrow(InvalidArgumentError);
  });
});

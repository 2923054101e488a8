import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { UnknownEventTypeError } from '../errors/index.js';
import { defineEvent } from './defineEvent.js';
import { EventRegistry } from './registry.js';

const Opened = defineEvent('Opened', z.object({ owner: z.string() }));
const Deposited = defineEvent('Deposited', z.object({ amount: z.number() }), {
  version: 2,
  upcasters: { 1: (data: { cents: number }) => ({ amount: data.cents / 100 }) },
});

// A read's types come from the driver as new strings for each row, not the definitions' own.
const fresh = (type: string) => [...type].join('');

describe('EventRegistry', () => {
  it('gives each type its own definition, whatever was looked up before, and upcasts by it', () => {
    const registry = new EventRegistry([Opened, Deposited]);
    for (const type of ['Opened', 'Deposited', 'Deposited', 'Opened', 'Deposited']) {
      expect(registry.definition(fresh(type)).type).toBe(type);
    }
    expect(registry.upcast(fresh('Deposited'), 1, { cents: 250 })).toEqual({ amount: 2.5 });
    expect(registry.upcast(fresh('Opened'), 1, { owner: 'ann' })).toEqual({ owner: 'ann' });
    expect(registry.upcast(fresh('Deposited'), 2, { amount: 3 })).toEqual({ amount: 3 });
  });

  it('refuses a type it does not know, also right after a known one, and tells which it knows', () => {
    const registry = new EventRegistry([Opened, Deposited]);
    registry.definition(fresh('Deposited'));
    expect(() => registry.definition('Withdrawn')).toThrow(UnknownEventTypeError);
    expect(() => registry.definition('deposited')).toThrow(/Opened.*Deposited|Deposited.*Opened/);
    expect(registry.has('Deposited')).toBe(true);
    expect(registry.has('Withdrawn')).toBe(false);
    expect(registry.types).toEqual(['Opened', 'Deposited']);
  });
});

import { defineEvent } from '@es/core';
import { z } from 'zod';

const cents = z.number().int().positive();

export const AccountOpened = defineEvent('AccountOpened', z.object({ owner: z.string().min(1) }));
export const MoneyDeposited = defineEvent('MoneyDeposited', z.object({ amount: cents }));
export const MoneyWithdrawn = defineEvent('MoneyWithdrawn', z.object({ amount: cents, to: z.string().optional() }));

export const bankEvents = [AccountOpened, MoneyDeposited, MoneyWithdrawn];

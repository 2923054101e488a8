import { defineEvent } from '@es/core';
import { z } from 'zod';

const cents = z.number().int().positive();

export const OrderPlaced = defineEvent(
  'OrderPlaced',
  z.object({
    customer: z.string().min(1),
    reference: z.string().min(1),
    lines: z.array(z.object({ sku: z.string().min(1), cents })).min(1),
  }),
);
export const OrderPaid = defineEvent('OrderPaid', z.object({ cents }));

export const shopEvents = [OrderPlaced, OrderPaid];

type Intersection<U> = (U extends unknown ? (part: U) => void : never) extends (part: infer I) => void ? I : never;

/**
 * One object made of parts that each take the same context: a backend session of one part per
 * capability, or the statements of one module per concern. Later parts win a clash of names.
 */
export function composeParts<TContext, TParts extends ((context: TContext) => object)[]>(
  context: TContext,
  ...parts: TParts
): Intersection<ReturnType<TParts[number]>> {
  return Object.assign({}, ...parts.map((part) => part(context)));
}

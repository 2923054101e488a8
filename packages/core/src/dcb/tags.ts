/**
 * Tags mark the entities an event concerns (`course:c1`, `student:s7`) for dynamic consistency
 * boundaries: queries and append conditions select events by type and tags, across streams.
 */
import { InvalidTagError } from '../errors/index.js';
import { ascending } from '../util/order.js';
import { isWellFormed } from '../util/unicode.js';

/** The longest tag, in characters (a name column of the tags table, indexed). */
export const TAG_MAX_LENGTH = 200;

/** The most tags one event carries (each is a row of the tags table). */
export const TAGS_PER_EVENT_MAX = 64;

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * SQL reads an event's tags back as one text joined by this character, which no tag may
 * contain (it is a control character).
 */
export const TAG_SEPARATOR = '\u001f';

/** Why `tag` cannot be stored, or undefined when it can. */
export function tagProblem(tag: unknown): string | undefined {
  if (typeof tag !== 'string' || tag.length === 0) return 'a tag is a non-empty string';
  if (tag.length > TAG_MAX_LENGTH) return `a tag has at most ${TAG_MAX_LENGTH} characters`;
  if (CONTROL_CHARACTERS.test(tag)) return 'a tag has no control characters';
  if (!isWellFormed(tag)) return 'a tag is well-formed Unicode (no lone surrogate)';
  if (tag.trim() !== tag) return 'a tag does not start or end with whitespace';
  return undefined;
}

/**
 * A list of tags checked (each valid, none twice, at most `TAGS_PER_EVENT_MAX` where `perEvent`),
 * or an `InvalidTagError` naming `owner` (the event type, or `query`).
 */
export function validateTags(owner: string, tags: unknown, perEvent: boolean): readonly string[] {
  if (!Array.isArray(tags)) throw new InvalidTagError(owner, tags, 'tags are a list of strings');
  if (perEvent && tags.length > TAGS_PER_EVENT_MAX) {
    throw new InvalidTagError(owner, tags.length, `an event carries at most ${TAGS_PER_EVENT_MAX} tags`);
  }
  const seen = new Set<string>();
  for (const tag of tags) {
    const problem = tagProblem(tag);
    if (problem) throw new InvalidTagError(owner, tag, problem);
    if (seen.has(tag)) throw new InvalidTagError(owner, tag, 'the same tag is given twice');
    seen.add(tag);
  }
  return tags as readonly string[];
}

/** Tags in one order on every backend: code-unit order (what each backend hands back). */
export function sortTags(tags: Iterable<string>): string[] {
  return [...tags].sort(ascending);
}

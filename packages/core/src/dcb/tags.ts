/**
 * Tags mark the entities an event concerns (`course:c1`, `student:s7`) for dynamic consistency
 * boundaries: queries and append conditions select events by type and tags, across streams.
 */

/** The longest tag, in characters (a name column of the tags table, indexed). */
export const TAG_MAX_LENGTH = 200;

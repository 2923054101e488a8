/** A lone UTF-16 surrogate: databases store it as U+FFFD, so `x\ud800` and `x\udbff` would be one name. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether `text` is well-formed Unicode (every surrogate paired), so that it is stored as given. */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Parts of 5.1's lobject.c that Fengari's lobject.js does differently. */

/**
 * 5.1's luaO_chunkid: the name a chunk has in messages, cut as 5.1 cuts it. A
 * `=name` keeps its first `bufflen` bytes, a `@file` keeps its end behind
 * "...", and a source string shows up to its first line break as
 * `[string "..."]`. `bufflen` counts as in Fengari, without C's NUL (59 at run
 * time, 79 in syntax errors); being C strings, names end at their first NUL.
 * Self-contained: it is injected into Fengari's lobject.js.
 */
export function luaO_chunkid51(source: Uint8Array, bufflen: number): Uint8Array {
  const nul = source.indexOf(0);
  const text = nul < 0 ? source : source.subarray(0, nul);
  const bytes = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
  if (text[0] === 0x3d /* = */) return text.slice(1, bufflen + 1);
  if (text[0] === 0x40 /* @ */) {
    const name = text.subarray(1);
    const room = bufflen - " '...' ".length;
    return name.length > room ? Uint8Array.from([...bytes('...'), ...name.subarray(name.length - room)]) : name.slice();
  }
  let length = 0;
  while (length < text.length && text[length] !== 0x0a && text[length] !== 0x0d) length++;
  length = Math.min(length, bufflen - ' [string "..."] '.length);
  const cut = length < text.length ? bytes('...') : [];
  return Uint8Array.from([...bytes('[string "'), ...text.subarray(0, length), ...cut, ...bytes('"]')]);
}

/**
 * The text as a reader sees it. A person (or a model) reads `ＳＣＯＲＥ：4`, `SСORE: 4` with a
 * Cyrillic С, `SC\u200bORE: 4` with a zero-width space and `S\u0301CORE: 4` with a combining
 * accent as `SCORE: 4`; pattern matching on the raw text would not. The reader view folds
 * those differences away (compatibility decomposition, marks and invisible format characters
 * dropped, common Cyrillic and Greek look-alikes mapped to Latin) and remembers, for each of
 * its UTF-16 units, where in the original text it came from, so a match in the view can be
 * edited in the original.
 */

// Cyrillic and Greek letters that render like Latin ones in common fonts.
const LOOK_ALIKES: Record<string, string> = {
  а: "a",
  в: "b",
  е: "e",
  һ: "h",
  і: "i",
  ј: "j",
  к: "k",
  ӏ: "l",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  ԛ: "q",
  г: "r",
  ѕ: "s",
  т: "t",
  у: "y",
  х: "x",
  ԝ: "w",
  ԁ: "d",
  А: "A",
  В: "B",
  Е: "E",
  Н: "H",
  І: "I",
  Ј: "J",
  К: "K",
  М: "M",
  О: "O",
  Р: "P",
  С: "C",
  с: "c",
  Ѕ: "S",
  Т: "T",
  Х: "X",
  Ү: "Y",
  α: "a",
  ε: "e",
  ι: "i",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  Α: "A",
  Β: "B",
  Ε: "E",
  Ζ: "Z",
  Η: "H",
  Ι: "I",
  Κ: "K",
  Μ: "M",
  Ν: "N",
  Ο: "O",
  Ρ: "P",
  Τ: "T",
  Υ: "Y",
  Χ: "X",
  ı: "i",
  ɑ: "a",
  ɡ: "g",
};

const INVISIBLE = /[\p{M}\p{Cf}]/gu;

function foldChar(ch: string): string {
  if (ch.charCodeAt(0) < 0x80) return ch;
  return (LOOK_ALIKES[ch] ?? ch).normalize("NFKD").replace(INVISIBLE, "");
}

export interface ReaderView {
  /** The folded text. */
  text: string;
  /** For each UTF-16 unit of `text`, the index in the original of the character it came from. */
  origin: number[];
}

export function readerView(original: string): ReaderView {
  let text = "";
  const origin: number[] = [];
  for (let i = 0; i < original.length; ) {
    const ch = String.fromCodePoint(original.codePointAt(i)!);
    const folded = foldChar(ch);
    text += folded;
    for (let k = 0; k < folded.length; k++) origin.push(i);
    i += ch.length;
  }
  return { text, origin };
}

import { describe, expect, it } from 'vitest';
import { displayText } from './display-text';

describe('displayText', () => {
  it('drops a right-to-left override, so "gnp.exe" cannot pass for "exe.png"', () => {
    expect(displayText('\u202Egnp.exe')).toBe('gnp.exe');
  });

  it.each([
    ['left-to-right mark', '\u200E'],
    ['right-to-left mark', '\u200F'],
    ['left-to-right embedding', '\u202A'],
    ['right-to-left embedding', '\u202B'],
    ['pop directional formatting', '\u202C'],
    ['left-to-right override', '\u202D'],
    ['right-to-left override', '\u202E'],
    ['left-to-right isolate', '\u2066'],
    ['right-to-left isolate', '\u2067'],
    ['first strong isolate', '\u2068'],
    ['pop directional isolate', '\u2069'],
    ['Arabic letter mark', '\u061C'],
  ])('drops the %s', (_, c) => {
    expect(displayText(`ERP${c} Sync${c}`)).toBe('ERP Sync');
  });

  it('drops C0 and C1 control characters, DEL included', () => {
    expect(displayText('a\u0000b\u0007c\td\ne\rf\u001Bg\u007Fh\u0080i\u0085j\u009Fk')).toBe('abcdefghijk');
  });

  it('keeps every alphabet, emoji and joined emoji sequences', () => {
    for (const s of [
      'ERP Sync Service',
      'Ørsted Ålesund — “Café” ß',
      'Служба синхронизации',
      'שירות סנכרון',
      'خدمة المزامنة',
      '同期サービス 数据同步',
      'सिंक सेवा',
      'می‌خواهم', // Persian with a zero-width non-joiner, which belongs to the word
      'Family 👨‍👩‍👧 and 🏳️‍🌈 and 👍🏽',
    ]) {
      expect(displayText(s)).toBe(s);
    }
  });

  it('leaves an empty string empty', () => {
    expect(displayText('')).toBe('');
  });
});

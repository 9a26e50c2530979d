import { apiKeyMatches, apiKeyPrefix, generateApiKey, hashApiKey } from './api-key';

describe('API keys', () => {
  it('generates keys whose prefix and hash identify them', () => {
    const generated = generateApiKey();
    expect(generated.key.startsWith(`${generated.prefix}_`)).toBe(true);
    expect(apiKeyPrefix(generated.key)).toBe(generated.prefix);
    expect(generated.sha256).toBe(hashApiKey(generated.key));
    expect(apiKeyMatches(generated.key, generated.sha256)).toBe(true);
  });

  it('does not match another key with the same prefix', () => {
    const generated = generateApiKey();
    const forged = `${generated.prefix}_${'A'.repeat(43)}`;
    expect(apiKeyPrefix(forged)).toBe(generated.prefix);
    expect(apiKeyMatches(forged, generated.sha256)).toBe(false);
  });

  it.each(['', 'Bearer x', 'thk_short_x', 'thk_ABCDEFGH_' + 'a'.repeat(43)])(
    'finds no prefix in %p',
    (key) => {
      expect(apiKeyPrefix(key)).toBeNull();
    },
  );
});

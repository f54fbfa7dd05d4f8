import { jsonTypeWord, jsonTypeWords } from '../../lib/common/json-types';

describe('jsonTypeWord', () => {
  test.each([
    ['object', 'a mapping'],
    ['array', 'a list'],
    ['integer', 'a whole number'],
    ['number', 'a number'],
    ['string', 'a string'],
    ['boolean', 'true or false'],
    ['null', 'empty'],
    ['something-else', 'something-else'],
    ['constructor', 'constructor'],
  ])('%s reads "%s"', (type, words) => {
    expect(jsonTypeWord(type)).toBe(words);
  });

  it('can say what a mapping looks like', () => {
    expect(jsonTypeWord('object', { explainMapping: true })).toBe('a mapping (key: value pairs)');
    expect(jsonTypeWord('array', { explainMapping: true })).toBe('a list');
  });
});

describe('jsonTypeWords', () => {
  it('joins the comma-separated types ajv reports with "or"', () => {
    expect(jsonTypeWords('string')).toBe('a string');
    expect(jsonTypeWords('string,integer')).toBe('a string or a whole number');
    expect(jsonTypeWords(['object', 'null'], { explainMapping: true })).toBe('a mapping (key: value pairs) or empty');
  });
});

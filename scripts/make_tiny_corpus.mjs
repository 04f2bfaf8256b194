// Generates the example corpora from a small grammar, deterministically from a seed:
//   examples/data/tiny-stories.txt  short children's stories (a character-level LM learns words,
//                                   punctuation, dialogue and story shape from it)
//   examples/data/pig-latin.tsv     sentence<TAB>the same sentence in Pig Latin, 1 to 3 sentences
//                                   per line, so lengths vary widely (for the padding-ratio measurement)
// Everything is written here from word lists and templates, so the project may ship it.
// Usage: node scripts/make_tiny_corpus.mjs [--seed N] [--stories N] [--pairs N] [--out DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? dflt : typeof dflt === 'number' ? Number(args[i + 1]) : args[i + 1];
};
const SEED = opt('seed', 7);
const STORIES = opt('stories', 420);
const PAIRS = opt('pairs', 1200);

/** mulberry32: a tiny seeded PRNG, so the output depends on nothing but the seed. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let rand = mulberry32(SEED);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const chance = (p) => rand() < p;
const cap = (s) => s[0].toUpperCase() + s.slice(1);
const an = (word) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

const GIRLS = ['Lily', 'Mia', 'Anna', 'Zoe', 'Ella', 'Rosa', 'Nora', 'Ivy', 'Lucy', 'Maya', 'Ruby', 'Sara', 'Emma', 'Hana', 'Luna', 'Olive', 'Daisy', 'Amy', 'Grace', 'Tess'];
const BOYS = ['Tom', 'Ben', 'Sam', 'Max', 'Leo', 'Jack', 'Finn', 'Omar', 'Hugo', 'Theo', 'Kai', 'Noah', 'Eli', 'Milo', 'Ravi', 'Owen', 'Luke', 'Tim', 'Jon', 'Ned'];
const ANIMALS = ['fox', 'rabbit', 'mouse', 'owl', 'bear', 'duck', 'frog', 'cat', 'dog', 'pig', 'goat', 'hen', 'squirrel', 'turtle', 'deer', 'lamb', 'bee', 'puppy', 'kitten', 'dragon'];
const ADJ = ['little', 'small', 'big', 'happy', 'brave', 'shy', 'kind', 'clever', 'sleepy', 'curious', 'funny', 'gentle', 'quiet', 'busy', 'friendly', 'old', 'young', 'silly', 'tiny', 'lonely'];
const PLACES = ['the forest', 'the park', 'the river', 'the garden', 'the beach', 'the hill', 'the village', 'the farm', 'the lake', 'the meadow', 'the market', 'the school', 'the old barn', 'the big tree', 'the bridge', 'the cave', 'the pond', 'the town', 'the field', 'the library'];
const OBJECTS = ['red ball', 'blue kite', 'shiny stone', 'tiny boat', 'warm hat', 'picture book', 'yellow bucket', 'wooden toy', 'green scarf', 'little drum', 'silver bell', 'paper star', 'soft blanket', 'old map', 'pink cup', 'orange sock', 'magic key', 'small box', 'golden coin', 'striped umbrella'];
const FOODS = ['apples', 'cake', 'bread', 'soup', 'cookies', 'berries', 'carrots', 'honey', 'pie', 'cheese', 'nuts', 'pancakes'];
const ACTIVITIES = ['play', 'sing', 'dance', 'read', 'swim', 'run', 'jump', 'draw', 'paint', 'climb trees', 'fly a kite', 'look at the stars', 'build a tower', 'pick flowers', 'bake bread', 'play games', 'tell jokes', 'catch fish', 'ride a bike', 'play music'];
const OPENINGS = ['Once upon a time', 'Long ago', 'One sunny morning', 'One rainy day', 'One cold night', 'One warm summer day', 'Not long ago', 'One windy afternoon', 'Early one morning', 'One snowy day'];
const HIDES = ['under the bed', 'behind the door', 'in the grass', 'under a rock', 'behind a tree', 'in the box', 'under the table', 'near the fence', 'in the sand', 'by the window'];
const WEATHER = ['it started to rain', 'the wind began to blow', 'the sun went down', 'it got very dark', 'snow began to fall', 'a big storm came'];
const SOUNDS = ['Oh no', 'Hooray', 'Wow', 'Oh dear', 'Yay', 'Look', 'Hello', 'Thank you'];
const MORALS = [
  'it is good to share', 'friends help each other', 'being kind is the best thing', 'it is fine to ask for help',
  'trying again is brave', 'a small gift can make a big smile', 'every day can be an adventure', 'home is where your friends are',
];

function character() {
  const girl = chance(0.5);
  const animal = chance(0.6);
  return {
    name: pick(girl ? GIRLS : BOYS),
    he: girl ? 'she' : 'he',
    his: girl ? 'her' : 'his',
    him: girl ? 'her' : 'him',
    kind: animal ? `${pick(ADJ)} ${pick(ANIMALS)}` : `${pick(ADJ)} ${girl ? 'girl' : 'boy'}`,
  };
}

/** One story: a list of sentences. */
function story() {
  const a = character();
  let b = character();
  while (b.name === a.name) b = character();
  const place = pick(PLACES), home = pick(PLACES.filter((p) => p !== place));
  const thing = pick(OBJECTS), food = pick(FOODS), act = pick(ACTIVITIES), act2 = pick(ACTIVITIES);
  const s = [];
  s.push(pick([
    `${pick(OPENINGS)}, there was ${an(a.kind)} named ${a.name}.`,
    `${pick(OPENINGS)}, ${an(a.kind)} called ${a.name} lived near ${home}.`,
    `${pick(OPENINGS)}, ${a.name} the ${a.kind} woke up early.`,
  ]));
  s.push(pick([
    `${cap(a.he)} liked to ${act} every day.`,
    `${cap(a.he)} had ${an(thing)} and loved it very much.`,
    `${cap(a.he)} loved to eat ${food}.`,
    `${a.name} was ${pick(ADJ)}, but ${a.he} was also very ${pick(['kind', 'brave', 'clever', 'curious'])}.`,
  ]));
  const lost = chance(0.5);
  if (lost) {
    s.push(`One day, ${a.name} could not find ${a.his} ${thing}.`);
    s.push(`${cap(a.he)} looked ${pick(HIDES)} and ${pick(HIDES)}, but it was not there.`);
    s.push(`${a.name} felt ${pick(['sad', 'worried', 'upset'])}.`);
  } else {
    s.push(`One day, ${a.name} went to ${place} to ${act2}.`);
    if (chance(0.5)) s.push(`The sky was ${pick(['blue', 'grey', 'bright', 'clear'])} and the air was ${pick(['warm', 'cool', 'fresh', 'cold'])}.`);
  }
  s.push(pick([
    `There ${a.he} met ${b.name}, ${an(b.kind)}.`,
    `Soon ${a.he} saw ${b.name}, ${an(b.kind)} who lived near ${lost ? place : home}.`,
    `On the way, ${a.he} met ${an(b.kind)} named ${b.name}.`,
  ]));
  s.push(`"${pick(SOUNDS)}, ${b.name}!" said ${a.name}.`);
  if (lost) {
    s.push(`"Can you help me find my ${thing}?"`);
    s.push(`"Yes, I will help you," said ${b.name}.`);
    s.push(`They looked ${pick(HIDES)} and ${pick(HIDES)}.`);
    s.push(`At last, ${b.name} found the ${thing} ${pick(HIDES)}.`);
    s.push(`"${pick(['Thank you', 'Hooray', 'Wow'])}!" said ${a.name}, and ${a.he} gave ${b.name} some ${food}.`);
  } else {
    s.push(`"Do you want to ${act2} with me?" asked ${b.name}.`);
    s.push(`"Yes, please!" said ${a.name}.`);
    s.push(`They ${act2.replace(/^(\w+)/, (v) => past(v))} together all ${pick(['morning', 'afternoon', 'day'])}.`);
    if (chance(0.6)) {
      s.push(`Then ${pick(WEATHER)}, so they ran to ${pick(PLACES)}.`);
      s.push(`${b.name} was ${pick(['scared', 'worried', 'cold', 'tired'])}, but ${a.name} held ${b.his} hand.`);
    }
    s.push(`After that, they shared some ${food} and talked about ${pick(['the sky', 'their homes', 'their dreams', 'the stars', 'the sea'])}.`);
  }
  s.push(pick([
    `From that day on, ${a.name} and ${b.name} were best friends.`,
    `${a.name} went home and felt very ${pick(['happy', 'proud', 'glad', 'calm'])}.`,
    `That night, ${a.name} slept well and dreamed of ${place}.`,
    `${a.name} learned that ${pick(MORALS)}.`,
  ]));
  if (chance(0.3)) s.push('The end.');
  return s;
}

const IRREGULAR = { run: 'ran', swim: 'swam', read: 'read', sing: 'sang', draw: 'drew', build: 'built', fly: 'flew', ride: 'rode', tell: 'told', catch: 'caught' };
function past(verb) {
  if (IRREGULAR[verb]) return IRREGULAR[verb];
  if (verb.endsWith('e')) return verb + 'd';
  if (/[^aeiou][aeiou][bdgmnpt]$/.test(verb)) return verb + verb.at(-1) + 'ed';
  return verb + 'ed';
}

/** Pig Latin, word by word: "happy" -> "appyhay", "apple" -> "appleway"; punctuation and capitals stay in place. */
function pigLatin(text) {
  return text.replace(/[A-Za-z]+/g, (w) => {
    const lower = w.toLowerCase();
    const m = /^(qu|[^aeiou]+)?(.*)$/.exec(lower);
    const head = m[1] ?? '', rest = m[2];
    const out = head === '' ? lower + 'way' : rest === '' ? lower + 'ay' : rest + head + 'ay';
    return w[0] === w[0].toUpperCase() ? cap(out) : out;
  });
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = opt('out', join(root, 'examples', 'data'));
mkdirSync(outDir, { recursive: true });

rand = mulberry32(SEED);
const stories = [];
for (let i = 0; i < STORIES; i++) stories.push(story().join(' '));
const storiesText = stories.join('\n\n') + '\n';
writeFileSync(join(outDir, 'tiny-stories.txt'), storiesText);

rand = mulberry32(SEED + 1000);
const lines = [];
const seen = new Set();
while (lines.length < PAIRS) {
  const s = story();
  for (let i = 0; i < s.length && lines.length < PAIRS;) {
    const k = Math.min(s.length - i, pick([1, 1, 1, 2, 2, 3]));
    const src = s.slice(i, i + k).join(' ');
    i += k;
    if (seen.has(src)) continue; // no pair twice, so a split never holds out a pair it also trains on
    seen.add(src);
    lines.push(`${src}\t${pigLatin(src)}`);
  }
}
writeFileSync(join(outDir, 'pig-latin.tsv'), lines.join('\n') + '\n');

console.log(`tiny-stories.txt: ${stories.length} stories, ${Buffer.byteLength(storiesText)} bytes; pig-latin.tsv: ${lines.length} pairs, ${Buffer.byteLength(lines.join('\n') + '\n')} bytes`);

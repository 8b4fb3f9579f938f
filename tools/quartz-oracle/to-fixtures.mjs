// Joins cases.tsv with Quartz's answers into the fixture the cron tests read.
import { readFileSync } from 'node:fs';

const [casesFile, answersFile] = process.argv.slice(2);
const cases = readFileSync(casesFile, 'utf8').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
const answers = readFileSync(answersFile, 'utf8').split('\n').filter((line) => line.trim() !== '');
if (cases.length !== answers.length) throw new Error(`${cases.length} cases but ${answers.length} answers`);
const rows = cases.map((line, index) => {
  const [expression, timeZone, after, count, field, note] = line.split('\t');
  const [verdict, ...rest] = answers[index].split('\t');
  const row = { expression, timeZone, after, count: Number(count), note, source: 'quartz-2.5.2' };
  // Quartz accepts a few malformed forms (it reads JANUARY as JAN, 1-2-3 as 1-2); Jobwire
  // refuses them. Such rows name the field and keep Quartz's reading for the record.
  if (verdict === 'OK' && field !== '' && field !== '-') return { ...row, expected: rest, refusedHere: true, field };
  if (verdict === 'OK') return { ...row, expected: rest };
  return { ...row, invalid: true, quartzMessage: rest.join(' '), field: field === '' ? undefined : field };
});
process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);

import { randomInt } from 'node:crypto';
import { createCanvas } from '@napi-rs/canvas';

/** No 0/O, 1/l/I: characters a person can tell apart. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789';
export const CAPTCHA_WIDTH = 120;
export const CAPTCHA_HEIGHT = 40;

export function randomCaptchaText(length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) text += ALPHABET.charAt(randomInt(ALPHABET.length));
  return text;
}

const randomColor = (min: number, max: number) => `rgb(${randomInt(min, max)},${randomInt(min, max)},${randomInt(min, max)})`;

/** Draws the text with per-character rotation, crossing curves and dots, as a PNG. */
export function drawCaptcha(text: string): Buffer {
  const canvas = createCanvas(CAPTCHA_WIDTH, CAPTCHA_HEIGHT);
  const g = canvas.getContext('2d');
  g.fillStyle = randomColor(225, 255);
  g.fillRect(0, 0, CAPTCHA_WIDTH, CAPTCHA_HEIGHT);

  for (let i = 0; i < 4; i += 1) {
    g.strokeStyle = randomColor(90, 200);
    g.lineWidth = 1 + Math.random();
    g.beginPath();
    g.moveTo(0, randomInt(CAPTCHA_HEIGHT));
    g.bezierCurveTo(randomInt(CAPTCHA_WIDTH), randomInt(CAPTCHA_HEIGHT), randomInt(CAPTCHA_WIDTH), randomInt(CAPTCHA_HEIGHT), CAPTCHA_WIDTH, randomInt(CAPTCHA_HEIGHT));
    g.stroke();
  }

  const step = (CAPTCHA_WIDTH - 16) / text.length;
  // The alphabet is ASCII, so one UTF-16 unit is one character.
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charAt(i);
    g.save();
    g.translate(10 + i * step + step / 2, CAPTCHA_HEIGHT / 2 + randomInt(-4, 5));
    g.rotate(((randomInt(-30, 31)) * Math.PI) / 180);
    g.font = `bold ${randomInt(22, 29)}px sans-serif`;
    g.fillStyle = randomColor(20, 110);
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(ch, 0, 0);
    g.restore();
  }

  for (let i = 0; i < 40; i += 1) {
    g.fillStyle = randomColor(60, 220);
    g.fillRect(randomInt(CAPTCHA_WIDTH), randomInt(CAPTCHA_HEIGHT), 1.5, 1.5);
  }
  return canvas.toBuffer('image/png');
}

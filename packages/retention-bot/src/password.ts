/**
 * password.ts — owns the bot's password handling: the interactive double-entry prompt on a TTY
 * ("Enter the password:" / "Re-enter the password:", echoed as *), the generated password of the
 * first setup and the guide's banner that shows it once, and the WICKRIO_ROTATE_PASSWORD rules
 * (at least 12 characters, different from the current one). Never logs a password.
 */
import { randomInt } from 'node:crypto';

export const MIN_ROTATE_LENGTH = 12;

/** The user ended the prompt (Ctrl-C, Ctrl-D, end of input): the guide's "User exited command." */
export class UserExited extends Error {
  override name = 'UserExited';
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new random password, 24 letters and digits like the guide's example. */
export function generatePassword(length = 24): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** The guide's banner around a newly generated password. */
export function passwordBanner(password: string): string {
  const stars = '*'.repeat(72);
  return [
    stars,
    '**** GENERATED PASSWORD',
    '**** DO NOT LOSE THIS PASSWORD, YOU WILL NEED TO ENTER IT EVERY TIME',
    '**** TO START THE BOT',
    `"${password}"`,
    stars,
    '',
  ].join('\n');
}

/** Why a WICKRIO_ROTATE_PASSWORD cannot be used (undefined when it can). */
export function rotateProblem(current: string, next: string): string | undefined {
  if (next.length < MIN_ROTATE_LENGTH) return `WICKRIO_ROTATE_PASSWORD must be at least ${MIN_ROTATE_LENGTH} characters.`;
  if (next === current) return 'WICKRIO_ROTATE_PASSWORD must differ from the current password.';
  return undefined;
}

export interface PromptIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  output: NodeJS.WritableStream;
}

/** Characters typed after a line ended (piped input arrives in one chunk): the next prompt's. */
const leftovers = new WeakMap<object, string>();

/** Reads one line without echo (a * per character); Ctrl-C / Ctrl-D / end of input → UserExited. */
export function readHidden(io: PromptIo, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { input, output } = io;
    output.write(prompt);
    const raw = !!input.isTTY && typeof input.setRawMode === 'function';
    if (raw) input.setRawMode!(true);
    input.resume();
    let value = '';
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      input.off('data', onData);
      input.off('end', onEnd);
      if (raw) input.setRawMode!(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onEnd = () => finish(new UserExited('User exited command.'));
    const onData = (chunk: Buffer | string) => {
      const chars = [...chunk.toString('utf8')];
      for (let i = 0; i < chars.length; i++) {
        const ch = chars[i]!;
        if (ch === '\r' || ch === '\n') {
          const rest = chars.slice(ch === '\r' && chars[i + 1] === '\n' ? i + 2 : i + 1).join('');
          if (rest) leftovers.set(input, rest);
          return finish();
        }
        if (ch === '\u0003' || (ch === '\u0004' && value === '')) return finish(new UserExited('User exited command.'));
        if (ch === '\u007f' || ch === '\b') {
          if (value.length > 0) {
            value = value.slice(0, -1);
            output.write('\b \b');
          }
          continue;
        }
        if (ch < ' ') continue;
        value += ch;
        output.write('*');
      }
    };
    input.on('data', onData);
    input.on('end', onEnd);
    const pending = leftovers.get(input);
    if (pending) {
      leftovers.delete(input);
      onData(pending);
    }
    if ((input as { readableEnded?: boolean }).readableEnded) onEnd();
  });
}

/** The guide's double entry; asks again (up to `attempts` times) when the two differ or are empty. */
export async function promptPassword(io: PromptIo, attempts = 3): Promise<string> {
  for (let i = 0; i < attempts; i++) {
    const first = await readHidden(io, 'Enter the password:');
    const second = await readHidden(io, 'Re-enter the password:');
    if (first !== '' && first === second) return first;
    io.output.write(first === '' ? 'The password cannot be empty.\n' : 'The passwords do not match.\n');
  }
  throw new UserExited('User exited command.');
}

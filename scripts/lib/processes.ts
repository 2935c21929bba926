import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import path from "node:path";

export interface Managed {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

const COLORS = [36, 35, 33, 32, 34, 31];

let outputFile: WriteStream | undefined;

/**
 * From now on every managed child's output also goes to `file` (truncated first), each line
 * prefixed with the child's name: the e2e run scans it for secrets. Only the children's output —
 * what the processes log — not the banner this script prints.
 */
export function copyOutputTo(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  outputFile = createWriteStream(file, { flags: "w" });
}

/** Spawns a long-running child with prefixed output; `exited` resolves with its exit code. */
export function spawnManaged(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, index = 0): Managed {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const tag = `\x1b[${COLORS[index % COLORS.length]}m${name.padEnd(10)}\x1b[0m│ `;
  const pipe = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) => {
    let buffer = "";
    stream?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        out.write(tag + line + "\n");
        outputFile?.write(`${name.padEnd(10)}| ${line}\n`);
      }
    });
    stream?.on("end", () => {
      if (buffer) outputFile?.write(`${name.padEnd(10)}| ${buffer}\n`);
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { name, child, exited };
}

/** Runs a command to completion with inherited output; throws on a non-zero exit. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code ?? signal}`)),
    );
  });
}

/** SIGTERM to every child, SIGKILL to any still alive after the timeout. */
export async function stopAll(children: Managed[], timeoutMs = 15_000): Promise<void> {
  for (const c of children) if (c.child.exitCode === null) c.child.kill("SIGTERM");
  const timer = setTimeout(() => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill("SIGKILL");
  }, timeoutMs);
  await Promise.all(children.map((c) => c.exited));
  clearTimeout(timer);
}

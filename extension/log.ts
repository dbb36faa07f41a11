/**
 * The "Brain Tumor Detection" log channel. The backend's own messages reach the same channel through the
 * language client, so one place holds the whole story. `error()` also reveals the channel.
 */
import * as vscode from 'vscode';

export const CHANNEL_NAME = 'Brain Tumor Detection';

let channel: vscode.LogOutputChannel | undefined;

export function logChannel(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel(CHANNEL_NAME, { log: true });
  return channel;
}

export const log = {
  info: (m: string) => logChannel().info(m),
  warn: (m: string) => logChannel().warn(m),
  error: (m: string, reveal = true) => {
    logChannel().error(m);
    if (reveal) logChannel().show(true);
  },
  show: () => logChannel().show(),
};

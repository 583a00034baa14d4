// App-wide state shared by the views (Svelte 5 runes).
import type { BracketGroup, PhotoEntry } from '../../../electron/common/contract';

export type View = 'library' | 'editor' | 'batch' | 'compare';

export const app = $state({
  view: 'library' as View,
  folder: null as string | null,
  photos: [] as PhotoEntry[],
  brackets: [] as BracketGroup[],
  /** photo path -> bracket group id (filled in after listBrackets) */
  bracketOf: {} as Record<string, string>,
  /** index into photos of the selected photo */
  selected: -1,
  /** error or notice shown in the status bar */
  status: '' as string,
  statusIsError: false,
});

export function notify(message: string, isError = false): void {
  app.status = message;
  app.statusIsError = isError;
}

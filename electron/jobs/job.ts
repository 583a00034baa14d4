/**
 * The jobs the engine worker runs, typed from the contract: a job is the part of a contract
 * request it serves (paths already checked against the opened folders by the IPC handler),
 * plus what the handler worked out (an output path, the folders writes are confined to);
 * its result is the contract's response, or the part of it the worker computes.
 */
import type { EventName, EventPayload, ParsedRequest, Response } from '../common/contract';

/** Folders the job may write into and read links from (the folders the user opened). */
interface Confined {
  confineTo: string[];
}

export type EngineJob =
  | ({ kind: 'thumbnail' } & Pick<ParsedRequest<'thumbnail'>, 'path' | 'maxSide'>)
  | ({ kind: 'preview' } & Pick<ParsedRequest<'preview'>, 'jobId' | 'path' | 'maxSide'>)
  | ({ kind: 'normalize' } & Pick<ParsedRequest<'normalize'>, 'jobId' | 'path' | 'maxSide' | 'mode' | 'strength' | 'shadowColour' | 'rois'>)
  | ({ kind: 'export'; output: string } & Pick<ParsedRequest<'exportPhoto'>, 'path' | 'format' | 'quality' | 'optimizeJpeg' | 'mode' | 'strength' | 'shadowColour' | 'rois'> & Confined)
  | ({ kind: 'batch'; outDir: string } & Pick<ParsedRequest<'batchStart'>, 'jobId' | 'folder' | 'format' | 'quality' | 'optimizeJpeg' | 'mode' | 'strength' | 'shadowColour'> & Confined)
  | ({ kind: 'compare'; aiFrame: string } & Pick<ParsedRequest<'compareFusion'>, 'jobId' | 'frames' | 'maxSide'>);

export interface JobResults {
  thumbnail: Response<'thumbnail'>;
  preview: Response<'preview'>;
  normalize: Response<'normalize'>;
  export: Pick<Response<'exportPhoto'>, 'output'>;
  batch: Pick<EventPayload<'batchDone'>, 'ok' | 'failed' | 'cancelled'>;
  compare: Response<'compareFusion'>;
}

export type JobKind = EngineJob['kind'];
export type JobOf<K extends JobKind> = Extract<EngineJob, { kind: K }>;

/** A contract event a job reports, its payload typed by its name. */
export type EventNote = { [E in EventName]: { type: 'event'; event: E; payload: EventPayload<E> } }[EventName];

/** What a running job reports on the way: binary tile frames (common/tile-frame.ts) and contract events. */
export type JobNote = { type: 'tile'; frame: Uint8Array } | EventNote;

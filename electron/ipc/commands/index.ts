// Command table: one handler per contract command, one file each.
import type { CommandName } from '../../common/contract';
import type { Handler } from '../context';
import { openFolder } from './open-folder';
import { listPhotos } from './list-photos';
import { listBrackets } from './list-brackets';
import { hostInfo } from './host-info';
import { revealPath } from './reveal-path';
import { cancel } from './cancel';
import { batchCancel } from './batch-cancel';
import { thumbnail } from './thumbnail';
import { photoInfo } from './photo-info';
import { normalize } from './normalize';
import { preview } from './preview';
import { exportPhoto } from './export-photo';
import { batchStart } from './batch-start';
import { compareFusion } from './compare-fusion';

export const handlers: { [C in CommandName]: Handler<C> } = {
  openFolder,
  listPhotos,
  listBrackets,
  hostInfo,
  revealPath,
  cancel,
  batchCancel,
  thumbnail,
  photoInfo,
  preview,
  normalize,
  exportPhoto,
  batchStart,
  compareFusion,
};

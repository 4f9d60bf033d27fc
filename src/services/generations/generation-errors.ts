import { AppError } from '../../errors/app-error.ts';
import type { GenerationStatus } from './generation.ts';

/** No generation has this id. */
export class GenerationNotFoundError extends AppError {
  override readonly name = 'GenerationNotFoundError';
  constructor(id: string) {
    super(`Generation ${id} not found`, { code: 'generation.not_found', details: { generation_id: id } });
  }
}

/** The operation needs the generation in another status (e.g. delivering one that failed). */
export class GenerationStateError extends AppError {
  override readonly name = 'GenerationStateError';
  constructor(id: string, status: GenerationStatus, expected: GenerationStatus) {
    super(`Generation ${id} is ${status}, expected ${expected}`, {
      code: 'generation.invalid_state',
      details: { generation_id: id, status, expected },
    });
  }
}

import { ValidationError } from '../../domain/errors.js';
import { PROJECT_ID, projectStream } from '../../domain/project/project.js';

/** `project-<id>`, after checking the id (a clear error rather than a malformed stream name). */
export function projectStreamFor(projectId: string): string {
  if (!PROJECT_ID.test(projectId)) {
    throw new ValidationError(
      'INVALID_PROJECT_ID',
      `project id "${projectId.slice(0, 64)}" is invalid: expected 1-64 of a-z 0-9 . _ - such as ml-service-123`,
      [{ path: 'projectId', message: 'expected [a-z0-9][a-z0-9._-]{0,63}' }],
    );
  }
  return projectStream(projectId);
}

import { packageProject } from '../../vitest.shared.js';

// global-setup builds dist/ first: worker threads run the compiled worker.
export default packageProject(import.meta.url, { globalSetup: ['./test/global-setup.ts'] });

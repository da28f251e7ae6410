// Entry of bench/scan-limit.ts's threads: Node 20 workers do not inherit the TypeScript loader.
import { register } from 'tsx/esm/api';

register();
await import('./scan-limit.ts');

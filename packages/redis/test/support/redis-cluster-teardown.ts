export { teardown as default } from './redis-cluster-global';

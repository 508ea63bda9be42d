export { setup as default } from './redis-cluster-global';

import type { ClusterNode } from '../remote/join-cluster.js';
import { SingletonView } from './singleton-view.js';

const views = new WeakMap<ClusterNode, Map<string, SingletonView>>();

/** @internal The view of singleton `name` on `node`, made on first use; the first bound given wins. */
export function viewOf(node: ClusterNode, name: string, bound: number): SingletonView {
  let byName = views.get(node);
  if (byName === undefined) views.set(node, (byName = new Map<string, SingletonView>()));
  let view = byName.get(name);
  if (view === undefined) byName.set(name, (view = new SingletonView(node, name, bound)));
  return view;
}

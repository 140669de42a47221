/**
 * A promise with its resolve/reject exposed. n8n-workflow 1.x exports one, 2.x
 * does not (the helper lives on `this.helpers` there), so the package has its own.
 */
import type { IDeferredPromise } from 'n8n-workflow';

export function deferred<T = void>(): IDeferredPromise<T> {
	let resolve!: IDeferredPromise<T>['resolve'];
	let reject!: IDeferredPromise<T>['reject'];
	const promise = new Promise<T>((res, rej) => {
		resolve = res as IDeferredPromise<T>['resolve'];
		reject = rej;
	});
	return { promise, resolve, reject };
}

import type { TokenPair } from '@jobwire/contracts';
import type { Presenter } from '../http/route.binding.js';

/** IBPS logins answer the access token string where Open-Job answers the token pair. */
const accessTokenOnly: Presenter = (result) => (result as TokenPair).accessToken;

/** IBPS answers `data: null` where Open-Job answers `true`. */
const nothing: Presenter = () => null;

export const ibpsPresenters: ReadonlyArray<readonly [string, Presenter]> = [
  ['ibps.user.login', accessTokenOnly],
  ['ibps.user.loginWecom', accessTokenOnly],
  ['ibps.user.logout', nothing],
];

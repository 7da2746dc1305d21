import type { Locator } from '@playwright/test';

/** The words a quality rating may be. */
export const RATING = /^(excellent|good|poor|lost)$/;

/**
 * The rating on a person's tile and on their card in the quality panel, read together: the
 * rating when the two agree, both when they do not. It follows the figures, so one reading of
 * each may fall either side of an update; poll this until it matches RATING.
 */
export async function ratingOnTileAndCard(tile: Locator, card: Locator): Promise<string> {
  const [onTile, onCard] = await Promise.all([tile.getAttribute('data-quality'), card.getAttribute('data-quality')]);
  return onTile === onCard ? String(onTile) : `tile ${onTile}, card ${onCard}`;
}

// Names shared by the writers of profiles and their readers.

/** "These groups changed" ({ roots: number[] }), published after commit: open customer pages refetch. */
export const profilesChannel = (brandId: string) => `brand:${brandId}:profiles`;

/** A brand's Customer360 cache entries start with this. */
export const customerCachePrefix = (brandId: string) => `c360:${brandId}:`;

/** One group's Customer360, cached for CUSTOMER_CACHE_SECONDS and dropped on any change to it. */
export const customerCacheKey = (brandId: string, rootId: number) => `${customerCachePrefix(brandId)}${rootId}`;

export const CUSTOMER_CACHE_SECONDS = 300;

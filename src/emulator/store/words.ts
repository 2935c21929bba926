// Vocabulary for generated stores: plausible, not real people or brands.

export const FIRST_NAMES = [
  "Ada", "Alex", "Amira", "Ben", "Chloe", "Dana", "Eli", "Eva", "Finn", "Grace", "Hana", "Ivan", "Jade", "Kai", "Lena",
  "Leo", "Maya", "Mia", "Noah", "Nora", "Omar", "Pia", "Quinn", "Rosa", "Sam", "Sofia", "Theo", "Uma", "Vera", "Yusuf",
  "Zoe", "Nikos", "Eleni", "Marco", "Aiko", "Ravi", "Ines", "Jonas", "Lucia", "Mateo",
] as const;

export const LAST_NAMES = [
  "Andersen", "Baker", "Costa", "Dimitriou", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jensen", "Kowalski", "Lopez",
  "Martin", "Novak", "Okafor", "Papadopoulos", "Quinn", "Rossi", "Schmidt", "Tanaka", "Ueda", "Varga", "Weber", "Young",
  "Zhang", "Silva", "Moreau", "Nielsen", "Khan", "Murphy",
] as const;

export const ADJECTIVES = [
  "Classic", "Organic", "Everyday", "Premium", "Cozy", "Bold", "Minimal", "Vintage", "Daily", "Wild", "Golden", "Ocean",
  "Forest", "Urban", "Soft", "Bright",
] as const;

export const NOUNS = [
  "Coffee Beans", "Tea Blend", "Mug", "Tote Bag", "Hoodie", "T-Shirt", "Candle", "Notebook", "Water Bottle", "Socks",
  "Cap", "Soap Bar", "Face Oil", "Granola", "Olive Oil", "Honey", "Chocolate", "Backpack", "Sunglasses", "Scarf",
] as const;

export const VENDORS = ["Acme Goods", "Northwind", "Blue Harbor", "Olive & Co", "Studio Nine"] as const;

export const VARIANT_OPTIONS = ["Small", "Medium", "Large", "XL"] as const;

export const CITIES = [
  { city: "Athens", country: "Greece", code: "GR", province: "Attica" },
  { city: "Berlin", country: "Germany", code: "DE", province: "Berlin" },
  { city: "Austin", country: "United States", code: "US", province: "Texas" },
  { city: "Toronto", country: "Canada", code: "CA", province: "Ontario" },
  { city: "Leeds", country: "United Kingdom", code: "GB", province: "England" },
  { city: "Lyon", country: "France", code: "FR", province: "Auvergne-Rhône-Alpes" },
  { city: "Sydney", country: "Australia", code: "AU", province: "New South Wales" },
] as const;

export const EMAIL_DOMAINS = ["example.com", "mail.test", "inbox.test", "shop.test"] as const;

export const ORDER_TAGS = ["wholesale", "gift", "vip", "subscription", "first-order"] as const;
export const CUSTOMER_TAGS = ["newsletter", "vip", "wholesale", "returning"] as const;

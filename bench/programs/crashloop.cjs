// Exits at once with status 1 (a crash loop).
process.exit(1);

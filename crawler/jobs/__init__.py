"""Running jobs: a crawl or a recheck, from its plan to its alerts.

job             a job's life: plan -> lease -> run row -> Scrapy -> monitors -> alerts;
                every command that crawls runs through it (run_crawl, run_recheck, run_jobs)
plan            which way to crawl a shop (detect its platform) and the CrawlPlan
recheck         which listings a recheck visits (RecheckPlan), and its summary
context         what a job hands its crawler's pipelines: the engine, the model
runs            a run's rows, counts and status (finished / interrupted / failed)
resume          Scrapy's job state between runs; lease: the site's lease while it runs
standalone      the same life for a crawl Scrapy starts on its own (scrapy crawl, Scrapyd)
schedule        when a site's crawl or recheck is due (cron expressions)
monitors        checks of a finished run; alerts: webhook and email when they fail
frontier        one crawl shared by several workers through Redis (and its codec)
"""

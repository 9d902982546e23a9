"""Running jobs: a crawl or a recheck, from its plan to its alerts.

job             a job's life: plan -> lease -> run row -> Scrapy -> monitors -> alerts
plan            which way to crawl a shop (detect its platform) and the plan
recheck         which listings a recheck visits, and its summary
schedule        when a site's crawl or recheck is due (cron expressions)
monitors        checks of a finished run; alerts: webhook and email when they fail
frontier        one crawl shared by several workers through Redis (and its codec)
"""

"""The yearly run: last year's reports are due by 31 January, so on 1 February their year is read."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from .partitions import YEARS

SCHEDULE_TIMEZONE = "Asia/Shanghai"
# 03:00 on 1 February, Beijing time: the day after the reports of the year before were due.
YEARLY_CRON = "0 3 1 2 *"


def yearly_schedule(job: dg.JobDefinition | str) -> dg.ScheduleDefinition:
    @dg.schedule(name="yearly_reports", job=job, cron_schedule=YEARLY_CRON, execution_timezone=SCHEDULE_TIMEZONE,
                 description="On 1 February, ingest the reports of the year before (due by 31 January) and "
                             "publish the warehouse. Late reports are the sensor's.")
    def yearly_reports(context: dg.ScheduleEvaluationContext):
        when = context.scheduled_execution_time or datetime.now(ZoneInfo(SCHEDULE_TIMEZONE))
        year = str(when.year - 1)
        if year not in YEARS.get_partition_keys():
            return dg.SkipReason(f"{year} is not a report year of the partitions")
        return dg.RunRequest(partition_key=year, run_key=f"yearly-{year}", tags={"gongkai/trigger": "schedule"})

    return yearly_reports

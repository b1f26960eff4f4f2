"""The web dashboard, the JSON/CSV API and the self-contained HTML report (``digibudget serve`` / ``report``)."""

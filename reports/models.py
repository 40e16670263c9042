# Commune-year figures and yearly reports arrive with the Registry and Yearly reports issues.

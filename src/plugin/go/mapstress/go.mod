module mapstress.local/mapstress

go 1.19

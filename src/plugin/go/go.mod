module mapstress/goplugins

go 1.19

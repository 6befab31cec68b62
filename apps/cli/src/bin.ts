console.log('nova: not built yet');
